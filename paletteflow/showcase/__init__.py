"""What a person looks at after a run: the contact sheet, the gallery page, the UI's previews.

`store` makes the sheet and the gallery from a manifest and writes them beside
it; `tiles` keeps each image's small copy from the step that had its pixels, so
the sheet reads nothing back.
"""
