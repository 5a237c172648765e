"""CIEDE2000 and colour-blindness simulation against published values and ColorAide as an oracle."""

import numpy as np
import pytest
from coloraide import Color
from hypothesis import given, settings
from hypothesis import strategies as st

from paletteflow.color import ciede2000, delta_e, hex_to_linear, linear_to_cielab, rgb_to_hex
from paletteflow.cvd import DEFICIENCIES, simulate

# Pairs from Sharma, Wu and Dalal (2005), table 1.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
]

rgb_colors = st.tuples(*[st.integers(0, 255)] * 3).map(rgb_to_hex)


@pytest.mark.parametrize(("first", "second", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_sharma_table(first, second, expected):
    assert ciede2000(np.array(first), np.array(second)) == pytest.approx(expected, abs=1e-4)


@settings(max_examples=60)
@given(rgb_colors, rgb_colors)
def test_ciede2000_agrees_with_coloraide(first, second):
    expected = Color(first).delta_e(Color(second), method="2000", space="lab-d65")
    assert delta_e(first, second) == pytest.approx(expected, abs=1e-3)


@settings(max_examples=60)
@given(rgb_colors)
def test_cielab_agrees_with_coloraide(color):
    expected = Color(color).convert("lab-d65").coords()
    assert linear_to_cielab(hex_to_linear([color]))[0] == pytest.approx(expected, abs=1e-3)


METHODS = {"protanopia": ("protan", "machado"), "deuteranopia": ("deutan", "machado"),
           "tritanopia": ("tritan", "brettel")}  # fmt: skip


@settings(max_examples=60)
@given(rgb_colors, st.sampled_from(DEFICIENCIES))
def test_cvd_simulation_agrees_with_coloraide(color, deficiency):
    name, method = METHODS[deficiency]
    expected = Color(color).filter(name, method=method).convert("srgb-linear").coords()
    assert simulate(hex_to_linear([color])[0], deficiency) == pytest.approx(expected, abs=1e-6)


def test_greys_are_exactly_achromatic():
    lab = linear_to_cielab(hex_to_linear(["#737373", "#ffffff", "#000000"]))
    assert (lab[:, 1:] == 0).all()


def test_red_and_green_collapse_for_deuteranopes_but_not_for_tritanopes():
    red, green = hex_to_linear(["#c0392b", "#27ae60"])

    def seen_apart(deficiency):
        lab = linear_to_cielab(np.clip(simulate(np.stack([red, green]), deficiency), 0, 1))
        return float(ciede2000(lab[0], lab[1]))

    assert seen_apart("tritanopia") > 2 * seen_apart("deuteranopia")
