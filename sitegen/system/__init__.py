"""The machine: forked workers, tuning, the build's steps and lock, the no-op fingerprint,
and the staged output folder swapped in atomically."""
