# Each tests/python/test_<area>.py is one ctest entry running pytest against the package in the
# build tree (PYTHONPATH=build/python), so ctest's summary counts the Python suite too.
file(GLOB _pytest_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/python/test_*.py)
foreach(_file ${_pytest_files})
    get_filename_component(_name ${_file} NAME_WE)
    string(REGEX REPLACE "^test_" "" _area ${_name})
    add_test(NAME Python.${_area}
             COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${_file}
             WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(
        Python.${_area}
        PROPERTIES ENVIRONMENT
                   "PYTHONPATH=${TIMEMORY_PYTHON_BUILD_DIR};TIMEMORY_SUPPRESS_CONFIG=ON;PYTHONDONTWRITEBYTECODE=1"
                   LABELS python TIMEOUT 600)
endforeach()
# Their device cases skip without a GPU; `ctest -L gpu` runs them on one.
foreach(_area gpu hardware_counters)
    if(TEST Python.${_area})
        set_tests_properties(Python.${_area} PROPERTIES LABELS "python;gpu")
    endif()
endforeach()
# Runs mpi4py jobs under mpirun (each case skips, saying why, without MPI support or mpi4py).
if(TEST Python.mpi)
    set_tests_properties(Python.mpi PROPERTIES LABELS "python;mpi")
endif()
if(TEST Python.pip_install)
    # A full build of the package; ccache makes a rerun take a few minutes.
    set_tests_properties(Python.pip_install PROPERTIES TIMEOUT 3600 LABELS "python;pip")
endif()
