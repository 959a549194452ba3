/* util.h must compile on its own. */
#include "util.h"
