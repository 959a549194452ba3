/* Themes (spec section 7): weight -> HSL -> RGB with gamma, font sizes, pen widths and
 * arrow sizes. The operation order follows gprof2dot's so that the bytes agree. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "graph_int.h"

struct theme_def {
    double min_hsl[3], max_hsl[3], gamma, minfont, maxfont, minpen, maxpen;
    const char *style;
    bool fontcolor_black;
};

static const struct theme_def themes[] = {
    [GRAPH_THEME_COLOR] = {{2.0 / 3.0, 0.80, 0.25}, {0.0, 1.0, 0.5}, 1.0, 10, 10, 0.5, 4.0,
                           "filled", false},
    [GRAPH_THEME_PINK] = {{0.0, 1.0, 0.90}, {0.0, 1.0, 0.5}, 2.2, 10, 10, 0.5, 4.0, "filled",
                          false},
    [GRAPH_THEME_GRAY] = {{0.0, 0.0, 0.85}, {0.0, 0.0, 0.0}, 2.2, 10, 10, 0.5, 4.0, "filled",
                          false},
    [GRAPH_THEME_BW] = {{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 2.2, 8, 24, 0.1, 8.0, "filled", false},
    [GRAPH_THEME_PRINT] = {{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 2.2, 18, 30, 0.1, 8.0, "solid",
                           true},
};

void theme_get(struct theme *t, enum graph_theme which, double skew)
{
    const struct theme_def *d = &themes[which];
    for (int k = 0; k < 3; k++) {
        t->min_hsl[k] = d->min_hsl[k];
        t->max_hsl[k] = d->max_hsl[k];
    }
    t->gamma = d->gamma;
    t->minfont = d->minfont;
    t->maxfont = d->maxfont;
    t->minpen = d->minpen;
    t->maxpen = d->maxpen;
    t->style = d->style;
    t->fontcolor_black = d->fontcolor_black;
    /* --skew 0 is ignored, as gprof2dot applies the value only when non-zero. */
    t->skew = skew != 0.0 ? skew : 1.0;
}

static double hue_channel(double m1, double m2, double h)
{
    if (h < 0.0)
        h += 1.0;
    else if (h > 1.0)
        h -= 1.0;
    if (h * 6 < 1.0)
        return m1 + (m2 - m1) * h * 6.0;
    else if (h * 2 < 1.0)
        return m2;
    else if (h * 3 < 2.0)
        return m1 + (m2 - m1) * (2.0 / 3.0 - h) * 6.0;
    return m1;
}

static int to_byte(double c)
{
    if (c <= 0.0)
        return 0;
    if (c >= 1.0)
        return 255;
    return (int)floor(255.0 * c + 0.5);
}

void theme_color(const struct theme *t, double w, char out[8])
{
    if (w < 0.0 || isnan(w))
        w = 0.0;
    if (w > 1.0)
        w = 1.0;
    double hsl[3];
    for (int k = 0; k < 3; k++) {
        double lo = t->min_hsl[k], hi = t->max_hsl[k];
        if (t->skew == 1.0)
            hsl[k] = lo + w * (hi - lo);
        else
            hsl[k] = lo + ((hi - lo) * (pow(t->skew, w) - 1.0)) / (t->skew - 1.0);
    }
    double h = fmod(hsl[0], 1.0);
    if (h < 0.0)
        h += 1.0;
    double s = hsl[1] < 0.0 ? 0.0 : hsl[1] > 1.0 ? 1.0 : hsl[1];
    double l = hsl[2] < 0.0 ? 0.0 : hsl[2] > 1.0 ? 1.0 : hsl[2];
    double m2 = l <= 0.5 ? l * (s + 1.0) : l + s - l * s;
    double m1 = l * 2.0 - m2;
    double rgb[3] = {hue_channel(m1, m2, h + 1.0 / 3.0), hue_channel(m1, m2, h),
                     hue_channel(m1, m2, h - 1.0 / 3.0)};
    if (t->gamma != 1.0)
        for (int k = 0; k < 3; k++)
            rgb[k] = pow(rgb[k], t->gamma);
    snprintf(out, 8, "#%02x%02x%02x", to_byte(rgb[0]), to_byte(rgb[1]), to_byte(rgb[2]));
}

double theme_fontsize(const struct theme *t, double w)
{
    double v = w * w * t->maxfont;
    return v > t->minfont ? v : t->minfont;
}

double theme_penwidth(const struct theme *t, double w)
{
    double v = w * t->maxpen;
    return v > t->minpen ? v : t->minpen;
}

double theme_arrowsize(const struct theme *t, double w)
{
    return 0.5 * sqrt(theme_penwidth(t, w));
}
