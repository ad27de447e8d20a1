"""The colours of every chart and of the HTML report: the Okabe-Ito palette, which readers with
any common colour-vision deficiency can tell apart (Okabe and Ito, "Color Universal Design",
2002), and a meaning for the colours that carry one."""

from __future__ import annotations

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#7F7F7F"

# the order series take: the strongest contrasts first, yellow (weak on white) last
SERIES = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, REDDISH_PURPLE, SKY_BLUE, BLACK, YELLOW)

RAISES = VERMILLION  # an input or a change that raises the probability
LOWERS = BLUE  # ... that lowers it
MATERIAL = VERMILLION  # a change larger than the tolerance and its Monte Carlo noise
NOISE = GREY  # a change within it
