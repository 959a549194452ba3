# MkDocs: the same as a hook. In mkdocs.yml:
#
#   hooks:
#     - mkdocs_hook.py
#
# and in a page: ![call graph](profiles/wordfreq.svg)
import pathlib
import subprocess


def on_pre_build(config, **kwargs):
    docs = pathlib.Path(config["docs_dir"])
    for prof in sorted((docs / "profiles").glob("*.prof")):
        subprocess.run(["prof2png", str(prof), "-o", str(prof.with_suffix(".svg"))], check=True)
