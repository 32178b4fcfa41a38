# The arrows between rooms (docs: ARCHITECTURE.md, DESIGN.md): which headers the files of one room
# may include. Fails, naming file, line and header, when a file includes a header of a room it may
# not use, or a CUDA, PAPI, MPI or Python header its room may not use.
#
#   cmake -DROOM=core -DDIR=<directory to scan> -DROOT=<source tree> -P check_layering.cmake
#
# ROOM is the room whose rules apply (core, host, gpu, mpi, ert, catalogue, tools); DIR is scanned
# recursively.
# A header of a room is one under ROOT/<room>/include (e.g. timemory/components/timing.hpp is
# host's), or any path with a <room>/include/ or <room>/src/ part (e.g. "../../gpu/src/x.hpp").
# The build already keeps other rooms' include directories off a room's include path; this check
# also covers what the compiler would find anyway (system-installed CUDA, PAPI, MPI, Python).
cmake_minimum_required(VERSION 3.24)
include(${CMAKE_CURRENT_LIST_DIR}/lines.cmake)

set(_rooms core host gpu mpi ert catalogue python tools)
set(_checked_rooms core host gpu mpi ert catalogue tools)  # python may include everything
# Rooms each room may include, besides its own.
set(_uses_core)
set(_uses_host core)
set(_uses_gpu core)
set(_uses_mpi core)
set(_uses_ert core gpu)
set(_uses_catalogue core host gpu)
set(_uses_tools core host gpu catalogue)
# Third-party families each room may include.
set(_external_core)
set(_external_host PAPI)
set(_external_gpu CUDA)
set(_external_mpi MPI)
set(_external_ert CUDA)
set(_external_catalogue)
set(_external_tools)
set(_families CUDA PAPI MPI Python)
set(_family_CUDA
    "^(cuda[A-Za-z0-9_]*\\.h|cuda/|cupti[A-Za-z0-9_]*\\.h|nvtx3/|nvToolsExt[A-Za-z0-9_]*\\.h|nvperf[A-Za-z0-9_]*\\.h|nvml\\.h|nvrtc\\.h|cu(blas|fft|rand|sparse|solver)[A-Za-z0-9_]*\\.h|driver_types\\.h|vector_types\\.h|device_launch_parameters\\.h|cooperative_groups|thrust/|cub/|crt/)")
set(_family_PAPI "^papi[A-Za-z0-9_]*\\.h$")
set(_family_MPI "^(mpi\\.h|mpio\\.h|mpi/|mpi_[A-Za-z0-9_]*\\.h)")
set(_family_Python "^(Python\\.h|pybind11/|numpy/|frameobject\\.h|structmember\\.h)")

foreach(_var ROOM DIR ROOT)
    if(NOT DEFINED ${_var})
        message(FATAL_ERROR "usage: cmake -DROOM=<room> -DDIR=<dir> -DROOT=<source tree> -P "
                            "check_layering.cmake (${_var} missing)")
    endif()
endforeach()
if(NOT ROOM IN_LIST _checked_rooms)
    message(FATAL_ERROR "unknown room '${ROOM}' (${_checked_rooms})")
endif()
if(NOT IS_DIRECTORY "${DIR}")
    message(FATAL_ERROR "not a directory: ${DIR}")
endif()

# Which room owns each installed header name (timemory/...).
foreach(_room ${_rooms})
    file(GLOB_RECURSE _headers RELATIVE "${ROOT}/${_room}/include" "${ROOT}/${_room}/include/*")
    foreach(_header ${_headers})
        set("_owner_${_header}" ${_room})
    endforeach()
endforeach()

set(_allowed_rooms ${ROOM} ${_uses_${ROOM}})
file(GLOB_RECURSE _files "${DIR}/*.h" "${DIR}/*.hpp" "${DIR}/*.c" "${DIR}/*.cpp" "${DIR}/*.cu"
     "${DIR}/*.cuh" "${DIR}/*.def" "${DIR}/*.inl")
list(SORT _files)
set(_violations 0)
foreach(_file ${_files})
    timemory_read_lines("${_file}" _lines)
    set(_number 0)
    foreach(_line IN LISTS _lines)
        math(EXPR _number "${_number} + 1")
        if(NOT _line MATCHES "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
            continue()
        endif()
        set(_header "${CMAKE_MATCH_1}")
        set(_why "")
        if(DEFINED "_owner_${_header}")
            set(_room "${_owner_${_header}}")
        elseif(_header MATCHES "(^|/)(core|host|gpu|mpi|ert|catalogue|python|tools)/(include|src)/")
            set(_room "${CMAKE_MATCH_2}")
        else()
            set(_room "")
        endif()
        if(_room AND NOT _room IN_LIST _allowed_rooms)
            set(_why "a header of ${_room}/")
        endif()
        foreach(_family ${_families})
            if(_header MATCHES "${_family_${_family}}" AND NOT _family IN_LIST _external_${ROOM})
                set(_why "a header of ${_family}")
            endif()
        endforeach()
        if(_why)
            file(RELATIVE_PATH _shown "${DIR}" "${_file}")
            message(NOTICE "${_shown}:${_number}: includes ${_header}, ${_why}")
            math(EXPR _violations "${_violations} + 1")
        endif()
    endforeach()
endforeach()

if(_violations GREATER 0)
    string(REPLACE ";" ", " _may "${_allowed_rooms}")
    foreach(_family ${_external_${ROOM}})
        string(APPEND _may ", ${_family}")
    endforeach()
    message(FATAL_ERROR "${ROOM}: ${_violations} include(s) against the arrows; ${ROOM}/ may "
                        "include the standard library, system headers and: ${_may}")
endif()
list(LENGTH _files _count)
message(STATUS "${ROOM}: ${_count} files, every include within the arrows")
