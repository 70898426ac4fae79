# Regenerates resources/webhook-events.json from @octokit/webhooks-examples and fails when the committed file
# differs, so the trigger editor's event list can neither drift from GitHub's nor be edited by hand.
# -DTOOL=<exeserver_webhook_catalog> -DCOMMITTED=<resources/webhook-events.json> -DOUT=<scratch file>
set(index "$ENV{EXESERVER_WEBHOOK_EXAMPLES}")
if(index STREQUAL "")
    if("$ENV{CI}" STREQUAL "true")
        message(FATAL_ERROR "EXESERVER_WEBHOOK_EXAMPLES is not set: run the tests through scripts/test")
    endif()
    message(STATUS "EXESERVER_WEBHOOK_EXAMPLES is not set; skipping (scripts/test sets it)")
    return()
endif()
execute_process(COMMAND "${TOOL}" "${index}" "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "exeserver_webhook_catalog failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}" "${COMMITTED}" RESULT_VARIABLE differs)
if(differs)
    message(FATAL_ERROR "resources/webhook-events.json is out of date or was edited by hand. Regenerate it:\n"
                        "  ${TOOL} ${index} ${COMMITTED}")
endif()
