# The arrows between rooms (python, tools -> catalogue -> {ert -> gpu, host} -> core), checked on the sources:
# Layering.<room> scans the room's folder with tests/layering/check_layering.cmake, and
# Layering.Planted.<room> proves the check fails, on tests/layering/planted/<room>/, a folder of
# includes planted against the arrows. Included from tests/CMakeLists.txt.
set(_layering_dir ${CMAKE_CURRENT_SOURCE_DIR}/layering)
foreach(_room core host gpu mpi ert catalogue tools)
    add_test(NAME Layering.${_room}
             COMMAND ${CMAKE_COMMAND} -DROOM=${_room} -DDIR=${PROJECT_SOURCE_DIR}/${_room}
                     -DROOT=${PROJECT_SOURCE_DIR} -P ${_layering_dir}/check_layering.cmake)
    set_tests_properties(Layering.${_room} PROPERTIES LABELS layering TIMEOUT 60)
endforeach()
foreach(_room core host gpu mpi)
    add_test(NAME Layering.Planted.${_room}
             COMMAND ${CMAKE_COMMAND} -DROOM=${_room} -DDIR=${_layering_dir}/planted/${_room}
                     -DROOT=${PROJECT_SOURCE_DIR} -P ${_layering_dir}/check_planted.cmake)
    set_tests_properties(Layering.Planted.${_room} PROPERTIES LABELS layering TIMEOUT 60)
endforeach()
