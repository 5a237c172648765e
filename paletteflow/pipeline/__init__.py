"""One run of paletteflow, step by step: plain functions on plain models, no orchestrator.

The steps, in the order a run takes them:

1. `base_image.store_base`: read the request's image within its caps, validate
   it, store it once under a content-derived key, and read its dominant colours.
2. `palettes.text_palettes` (alongside step 1): the palettes the words give.
3. `palettes.complete_palettes`: add those seeded from the image's colours.
4. `variations.render_variation`, once per palette: recolour, encode, store.
5. `manifest.assemble_manifest`, then `presentation.present`: the contact
   sheet, the gallery and the manifest beside the images.
6. `results`: the list the caller gets back, and the run's one-line summary.

The Prefect tasks (tasks/) wrap these with retries, caching and logging, and
the flow (flows/palette_variations.py) runs them, text palettes and upload side
by side; the old service's API, the tests and the benchmarks call the same
functions. A caller hears what a run does through `listeners`.
"""
