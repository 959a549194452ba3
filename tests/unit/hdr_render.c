/* render.h must compile on its own. */
#include "render.h"
