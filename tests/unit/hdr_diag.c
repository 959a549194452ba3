/* diag.h must compile on its own. */
#include "diag.h"
