# nlohmann_json (header-only) from one of two places, reported as TIMEMORY_JSON_SOURCE:
#   - a CMake package (Debian's nlohmann-json3-dev, a source install): find_package;
#   - the `nlohmann-json` package from PyPI, a build requirement of `pip install .`. It ships the
#     headers inside the Python package (nlohmann_json/include) and no CMake package files, so the
#     target is made here from the interpreter's copy.
# A pip build (scikit-build-core sets SKBUILD) takes the PyPI headers first, so that what it
# compiles does not depend on what the machine has in /usr. Any other build prefers the CMake
# package and falls back on the Python package (e.g. `pip install nlohmann-json` in a venv).
set(_timemory_json_min 3.9)

function(timemory_json_from_python)
    find_package(Python3 QUIET COMPONENTS Interpreter)
    if(NOT Python3_Interpreter_FOUND)
        return()
    endif()
    # find_spec does not run the package (its __init__ imports importlib_resources).
    execute_process(
        COMMAND ${Python3_EXECUTABLE} -c "import importlib.util, os; s = importlib.util.find_spec('nlohmann_json'); print(os.path.join(os.path.dirname(s.origin), 'include') if s else '')"
        OUTPUT_VARIABLE _include OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    set(_macros ${_include}/nlohmann/detail/abi_macros.hpp)
    if(NOT _include OR NOT EXISTS ${_macros})
        return()
    endif()
    set(_version)
    foreach(_part MAJOR MINOR PATCH)
        file(STRINGS ${_macros} _line REGEX "#define NLOHMANN_JSON_VERSION_${_part} ")
        string(REGEX MATCH "VERSION_${_part} +([0-9]+)" _ "${_line}")
        list(APPEND _version ${CMAKE_MATCH_1})
    endforeach()
    list(JOIN _version "." _version)
    if(_version VERSION_LESS _timemory_json_min)
        message(STATUS "nlohmann_json ${_version} in ${_include} is older than ${_timemory_json_min}")
        return()
    endif()
    add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
    set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                                  ${_include})
    set(nlohmann_json_VERSION ${_version} PARENT_SCOPE)
    set(TIMEMORY_JSON_SOURCE "Python package: ${_include}" PARENT_SCOPE)
endfunction()

if(SKBUILD)
    timemory_json_from_python()
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
    find_package(nlohmann_json ${_timemory_json_min} QUIET)
    if(nlohmann_json_FOUND)
        set(TIMEMORY_JSON_SOURCE "CMake package: ${nlohmann_json_DIR}")
    else()
        timemory_json_from_python()
    endif()
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
    message(FATAL_ERROR "nlohmann_json >= ${_timemory_json_min} not found: install it as a CMake "
                        "package (Debian: nlohmann-json3-dev) or `pip install nlohmann-json`")
endif()
