/* input.h must compile on its own. */
#include "input.h"
