"""Which observations each dataset family is checked on against the reference model.

On synthetic data every kind listed here is compared with the same observation made on the
model's output (the expected value), in addition to any catalogue fact that applies. `digests`
is the exact-output check: every array, byte for byte.
"""

from __future__ import annotations

COMMON = ("return_types", "shapes", "dtypes", "split_sizes", "value_ranges", "flags", "duplicates", "digests")
MODEL_KINDS = {
    "image": (*COMMON, "labels", "class_counts", "pixel_statistics"),
    "text": (*COMMON, "labels", "class_counts", "sequence_lengths", "word_index"),
    "housing": (*COMMON, "target_statistics", "feature_ranges"),
}
SEEDED = ("imdb", "reuters", "boston_housing", "california_housing")
ALTERNATE_SEED = 7


def model_kinds(family: str) -> tuple[str, ...]:
    return MODEL_KINDS[family]
