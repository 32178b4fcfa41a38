# timemory 3's Python documentation, "Initialization and Finalization", verbatim.

import timemory

# ... use timemory components, decorators, bundles, etc. ...

if __name__ == "__main__":
    # optional
    timemory.init([__file__])

    # ... etc. ...

    timemory.finalize()
