/* options.h must compile on its own. */
#include "options.h"
