# timemory_read_lines(<file> <var>): <var> = the lines of <file>, one list element each (element
# N-1 is line N). '[', ']', ';' and '\' become '_': CMake lists treat them specially.
function(timemory_read_lines file var)
    file(READ "${file}" _text)
    string(REGEX REPLACE "[][;\\\\]" "_" _text "${_text}")
    string(REPLACE "\n" ";" _lines "${_text}")
    set(${var} "${_lines}" PARENT_SCOPE)
endfunction()
