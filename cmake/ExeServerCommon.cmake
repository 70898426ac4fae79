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
