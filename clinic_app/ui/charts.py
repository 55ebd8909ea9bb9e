"""Small chart widgets painted with QPainter (this Qt build has no QtCharts).

Every chart:

* takes its figures with ``set_data(...)`` and shows 暂无数据 when there are none;
* draws with the program's font, antialiased, in the Okabe–Ito palette (told apart with every
  common colour-vision deficiency) and never says anything by colour alone: there is always a
  legend, value labels where they fit, and a tooltip with the exact value on hover;
* keeps what it drew as :class:`Mark` objects (``marks()``, and ``bars()`` / ``segments()`` /
  ``points()`` per chart) and the texts it painted (``drawn_texts()``), so tests can check the
  figures without looking at pixels.

Geometry is worked out once per size (``_lay_out``) and only drawn in ``paintEvent``.

The parts: ``chart_base`` (palette, units and ticks, :class:`Mark`, the :class:`Chart` widget),
``chart_axes`` (axes and legend of the charts over categories), ``chart_bars`` (the bar charts)
and ``chart_gauge`` (the spending gauge); their public names are gathered here, so callers need
only this module.
"""
from __future__ import annotations

from .chart_axes import CategoryChart
from .chart_bars import BarChart, BarLineChart, HorizontalBars, StackedBarChart
from .chart_base import (AXIS, BLUE, COUNT, EMPTY_TEXT, FEN_PER_WAN, GREEN, GRID, HOVER, MUTED, NEUTRAL, ORANGE, OVER,
                         PALETTE, PURPLE, SKY, TEXT, TRACK, VERMILION, YELLOW, Chart, Mark, Units, count_units,
                         money_units, nice_ticks, tick_text)
from .chart_gauge import ProgressGauge

__all__ = ["AXIS", "BLUE", "COUNT", "EMPTY_TEXT", "FEN_PER_WAN", "GREEN", "GRID", "HOVER", "MUTED", "NEUTRAL", "ORANGE",
           "OVER", "PALETTE", "PURPLE", "SKY", "TEXT", "TRACK", "VERMILION", "YELLOW", "BarChart", "BarLineChart",
           "CategoryChart", "Chart", "HorizontalBars", "Mark", "ProgressGauge", "StackedBarChart", "Units",
           "count_units", "money_units", "nice_ticks", "tick_text"]
