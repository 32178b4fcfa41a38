# Runs check_layering.cmake on a directory of planted includes (planted/<room>/) and passes only
# when it fails and reports exactly the lines marked "planted": the check can fail, and it flags
# nothing the room may include.
#
#   cmake -DROOM=core -DDIR=<planted/core> -DROOT=<source tree> -P check_planted.cmake
cmake_minimum_required(VERSION 3.24)
include(${CMAKE_CURRENT_LIST_DIR}/lines.cmake)

execute_process(
    COMMAND ${CMAKE_COMMAND} -DROOM=${ROOM} -DDIR=${DIR} -DROOT=${ROOT} -P
            ${CMAKE_CURRENT_LIST_DIR}/check_layering.cmake
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
message(STATUS "check_layering.cmake (exit ${_rc}):\n${_out}${_err}")
if(_rc EQUAL 0)
    message(FATAL_ERROR "check_layering.cmake passed on ${DIR}, which has planted includes")
endif()

string(REGEX MATCHALL "[^\n]+:[0-9]+: includes " _reported "${_err}")
list(LENGTH _reported _reported_count)
file(GLOB_RECURSE _files "${DIR}/*")
set(_planted_count 0)
foreach(_file ${_files})
    timemory_read_lines("${_file}" _lines)
    file(RELATIVE_PATH _shown "${DIR}" "${_file}")
    set(_number 0)
    foreach(_line IN LISTS _lines)
        math(EXPR _number "${_number} + 1")
        if(_line MATCHES "// planted")
            math(EXPR _planted_count "${_planted_count} + 1")
            if(NOT "${_err}" MATCHES "(^|\n)${_shown}:${_number}: includes ")
                message(FATAL_ERROR "${_shown}:${_number} is planted but was not reported")
            endif()
        endif()
    endforeach()
endforeach()
if(_planted_count EQUAL 0)
    message(FATAL_ERROR "no line of ${DIR} is marked planted")
endif()
if(NOT _reported_count EQUAL _planted_count)
    message(FATAL_ERROR "${_reported_count} includes reported, ${_planted_count} planted: a line "
                        "the room may include was reported")
endif()
