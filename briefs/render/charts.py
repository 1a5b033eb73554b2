"""Line charts drawn from the case records, as SVG with the same bytes on every machine
(bar charts are HTML tables: briefs.render.case_charts).

Text is drawn as outlines of the project's PT Sans, so the picture needs no fonts; the
SVG carries no date and fixed ids (matplotlib's svg.hashsalt).
"""

import datetime
import io

INK, ACCENT, WARM, RULE = "#1b1f24", "#1d4e89", "#a33b20", "#c9d1dc"
WIDTH, FONT_SIZE = 4.5, 11  # inches and points: readable on a phone (templates/css/common.css)


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def _pyplot(fonts):
    pyplot = _matplotlib()
    from matplotlib import font_manager

    for name in ("PTSans-Regular.ttf", "PTSans-Bold.ttf"):
        font_manager.fontManager.addfont(str(fonts / name))
    pyplot.rcParams.update({
        "font.family": "PT Sans", "font.size": FONT_SIZE, "svg.fonttype": "path",
        "svg.hashsalt": "briefs", "axes.edgecolor": RULE, "axes.labelcolor": INK,
        "xtick.color": INK, "ytick.color": INK, "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return pyplot


def _svg(figure, pyplot):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight",
                   metadata={"Date": None, "Creator": None})
    pyplot.close(figure)
    return buffer.getvalue().encode("utf-8")


def line_chart(fonts, *, months, series, ylabel):
    """series: [(label, [value per month])] drawn as lines, months as x. The page prints
    the chart's title as its caption."""
    pyplot = _pyplot(fonts)
    figure, axes = pyplot.subplots(figsize=(WIDTH, 3.0))
    for (label, values), colour in zip(series, (ACCENT, WARM, INK)):
        axes.plot(months, values, color=colour, linewidth=2, label=label)
    axes.set_ylabel(ylabel)
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="upper left")
    figure.autofmt_xdate()
    return _svg(figure, pyplot)


def month_ends(start, end):
    """The last day of every month from start's month to end's month."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        days.append(min(following - datetime.timedelta(days=1), end))
        year, month = following.year, following.month
    return days
