#pragma once

// runRecordedAction moved to core (the assistant's approved proposals use it too); kept for the views.
#include "store/recordedaction.h"
