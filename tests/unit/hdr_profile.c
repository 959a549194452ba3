/* profile.h must compile on its own. */
#include "profile.h"
