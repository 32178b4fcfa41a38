# timemory 3's Python documentation, "Contents": $ python -c "import timemory; help(timemory)"
import timemory

help(timemory)
