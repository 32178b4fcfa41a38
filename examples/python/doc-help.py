# Seed: "Contents": $ python -c "import timemory; help(timemory)"
import timemory

help(timemory)
