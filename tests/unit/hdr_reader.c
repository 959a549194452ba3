/* reader.h must compile on its own. */
#include "reader.h"
