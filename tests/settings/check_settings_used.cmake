# Every row of the settings table is read somewhere, or is marked as not supported by this build.
#
#   cmake -DTABLE=<settings_table.def> -DSOURCE_DIR=<repository root> [-DMIN_ROWS=10]
#         -P check_settings_used.cmake
#
# A TIMEMORY_SETTING row counts as used when some source file of the library, its plugins, its
# tools or the Python package names its member: `.name`, `->name` or the string "name" (settings
# looked up by name). TIMEMORY_SETTING_UNSUPPORTED rows are skipped: `timemory-avail -s` lists
# them as unsupported and setting one warns. The test fails listing every row found unused.
cmake_minimum_required(VERSION 3.24)

foreach(_var TABLE SOURCE_DIR)
    if(NOT DEFINED ${_var})
        message(FATAL_ERROR "check_settings_used.cmake: -D${_var}=... is required")
    endif()
endforeach()

file(STRINGS "${TABLE}" _lines)
set(_names)
foreach(_line IN LISTS _lines)
    if(_line MATCHES "^[ \t]*(//|#)")
        continue()  # the comment and the macro defaults name TIMEMORY_SETTING too
    endif()
    if(_line MATCHES "^[ \t]*TIMEMORY_SETTING\\([^,]+,[ \t]*([a-z_0-9]+)[ \t]*,")
        list(APPEND _names "${CMAKE_MATCH_1}")
    endif()
endforeach()
if(NOT DEFINED MIN_ROWS)
    set(MIN_ROWS 10)  # fewer rows than that: the row format changed under this script
endif()
list(LENGTH _names _count)
if(_count LESS MIN_ROWS)
    message(FATAL_ERROR "check_settings_used.cmake: only ${_count} rows found in ${TABLE}; "
                        "has the row format changed?")
endif()

set(_sources)
foreach(_room core host gpu mpi python catalogue ert tools)
    file(GLOB_RECURSE _files "${SOURCE_DIR}/${_room}/*.cpp" "${SOURCE_DIR}/${_room}/*.hpp"
         "${SOURCE_DIR}/${_room}/*.h" "${SOURCE_DIR}/${_room}/*.c" "${SOURCE_DIR}/${_room}/*.cu"
         "${SOURCE_DIR}/${_room}/*.py")
    list(APPEND _sources ${_files})
endforeach()
set(_text "")
foreach(_file IN LISTS _sources)
    file(READ "${_file}" _content)
    string(APPEND _text "${_content}\n")
endforeach()

set(_unused)
foreach(_name IN LISTS _names)
    if(NOT _text MATCHES "[.>]${_name}[^a-zA-Z0-9_]" AND NOT _text MATCHES "\"${_name}\"")
        list(APPEND _unused "${_name}")
    endif()
endforeach()
if(_unused)
    list(JOIN _unused ", " _list)
    message(FATAL_ERROR "settings read nowhere in core/, host/, gpu/, mpi/, python/, catalogue/, ert/ or "
                        "tools/: ${_list}. Make each one work, or mark its row "
                        "TIMEMORY_SETTING_UNSUPPORTED with the reason in ${TABLE}.")
endif()
message(STATUS "${_count} supported settings, each read somewhere")
