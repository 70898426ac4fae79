// libFuzzer harness: the trigger file loader (core/triggers/triggerfile), YAML through yaml-cpp or JSON —
// the file a user imports from someone else. Malformed input must be an error, never a crash or an
// escaping exception; a file that loads must survive export and re-import (what `triggers export` writes,
// `triggers import` must read).
#include "fuzzinput.h"
#include "triggers/triggerfile.h"

using namespace exeserver;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto loaded = TriggerFile::parse(text);
    if (!loaded)
        return 0;
    const auto again = TriggerFile::parse(TriggerFile::toYaml(*loaded), TriggerFile::Format::Yaml);
    if (!again)
        fuzz::failProperty("an exported trigger file does not import");
    if (again->size() != loaded->size())
        fuzz::failProperty("export and re-import changed the number of triggers");
    (void)TriggerFile::toJson(*loaded);
    return 0;
}
