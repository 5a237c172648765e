"""The old service's recolour, re-implemented from its description, for comparison only.

k-means in CIELAB with k = min(10, 2 x palette size), 10 attempts, 100
iterations; each cluster painted with the nearest palette colour; blended
0.75 with the original. It works on RGB, so transparency is lost.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from paletteflow.color import hex_to_rgb

BLEND = 0.75


def old_recolor(image: Image.Image, colors: list[str]) -> Image.Image:
    rgb = np.asarray(image.convert("RGB"))
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    k = min(10, 2 * len(colors))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 100, 0.2)
    cv2.setRNGSeed(0)
    _, labels, centres = cv2.kmeans(lab, k, None, criteria, 10, cv2.KMEANS_RANDOM_CENTERS)
    palette_rgb = np.array([hex_to_rgb(c) for c in colors], dtype=np.uint8)[None]
    palette_lab = cv2.cvtColor(palette_rgb, cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    nearest = np.argmin(np.linalg.norm(centres[:, None] - palette_lab[None], axis=2), axis=1)
    painted = palette_rgb[0][nearest[labels.ravel()]].reshape(rgb.shape)
    blended = BLEND * painted.astype(np.float32) + (1 - BLEND) * rgb.astype(np.float32)
    return Image.fromarray(np.clip(blended, 0, 255).astype(np.uint8), "RGB")
