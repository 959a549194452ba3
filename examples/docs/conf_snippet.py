# Sphinx: regenerate call-graph figures from profiles when the build starts.
# Add this to your conf.py; profiles live in _profiles/, figures go to _static/profiles/,
# and a page shows one with:
#
#   .. image:: _static/profiles/wordfreq.svg
#
import pathlib
import shutil
import subprocess


def _render_profiles(app):
    src = pathlib.Path(app.srcdir)
    out = src / "_static" / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    prof2png = shutil.which("prof2png")
    if prof2png is None:
        raise RuntimeError("prof2png is not installed")
    for prof in sorted((src / "_profiles").glob("*.prof")):
        svg = out / (prof.stem + ".svg")
        if svg.exists() and svg.stat().st_mtime >= prof.stat().st_mtime:
            continue
        # check=True: a broken profile fails the build with prof2png's one-line message.
        subprocess.run([prof2png, "--node-thres=1", str(prof), "-o", str(svg)], check=True)


def setup(app):
    app.connect("builder-inited", _render_profiles)
