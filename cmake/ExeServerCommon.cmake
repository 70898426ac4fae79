# One INTERFACE target carries the language level, warnings and Qt strictness for every target,
# so no directory-wide settings are needed (qBittorrent's qbt_common_cfg).
add_library(exeserver_common INTERFACE)
target_compile_features(exeserver_common INTERFACE cxx_std_20)
target_compile_definitions(exeserver_common INTERFACE
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    QT_DISABLE_DEPRECATED_BEFORE=0x060000)

if(MSVC)
    target_compile_options(exeserver_common INTERFACE /W4 /permissive- /Zc:__cplusplus /utf-8)
else()
    target_compile_options(exeserver_common INTERFACE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
        -Woverloaded-virtual -Wcast-align)
    # Not -Wnull-dereference: at -O2 GCC 12 reports false positives inside Qt and libstdc++ headers.
endif()

if(EXESERVER_ENABLE_SANITIZERS AND NOT MSVC)
    target_compile_options(exeserver_common INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(exeserver_common INTERFACE -fsanitize=address,undefined)
endif()

# Linux links with lld when it is installed: it is faster than GNU ld, and it can place the desktop app's
# start-up functions together (app/gui/startup-order.txt, made by scripts/startup-order). For that,
# optimised builds give each function its own section. Without lld the default linker links as before.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT MSVC)
    include(CheckLinkerFlag)
    check_linker_flag(CXX "-fuse-ld=lld" EXESERVER_HAVE_LLD)
endif()
if(EXESERVER_HAVE_LLD)
    # keep-text-section-prefix: start-up, exit, hot and cold code grouped as GNU ld does; not for a target
    # with an order file (below).
    target_link_options(exeserver_common INTERFACE -fuse-ld=lld
        "$<$<NOT:$<BOOL:$<TARGET_PROPERTY:EXESERVER_ORDER_FILE>>>:LINKER:-z,keep-text-section-prefix>")
    target_compile_options(exeserver_common INTERFACE $<$<NOT:$<CONFIG:Debug>>:-ffunction-sections>)
endif()

# Places the functions named in `order_file` first and together in `target`'s code, so the pages the
# running program keeps in memory hold the code it runs. Only with lld; names it lacks are ignored.
function(exeserver_order_functions target order_file)
    if(EXESERVER_HAVE_LLD)
        # Without keep-text-section-prefix (see above), the listed functions GCC put in start-up or cold
        # sections (static initialisers, functions it judged unlikely) join the others at the front
        # instead of staying behind, each in a 64 KB block of its own.
        set_property(TARGET ${target} PROPERTY EXESERVER_ORDER_FILE "${order_file}")
        target_link_options(${target} PRIVATE "LINKER:--symbol-ordering-file=${order_file}"
            "LINKER:--no-warn-symbol-ordering")
        set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${order_file}")
    endif()
endfunction()
