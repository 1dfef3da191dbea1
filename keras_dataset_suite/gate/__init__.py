"""The upgrade gate: compare a baseline and a candidate snapshot, and give a verdict.

Exit codes: 0 pass, 1 regression, 2 unusable input (with the reason).
"""
