#pragma once

#include <QString>

namespace exeserver::test {

// Directory where tests drop artefacts worth looking at (rendered windows as PNG, logs).
QString outputDir();

} // namespace exeserver::test
