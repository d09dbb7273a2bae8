#!/bin/sh
# Moves a finished thing to its final name: a saved image's NAME.partial directory into the repository, a restored disk
# to its target. A name that is taken is replaced only when the journal says the module made it.
#
# arg source  what was made
# arg target  its final name
# arg ours    "ours" when the journal says the module made the target, else "new"
# stdin none
# exit 0 Ok moved
# exit 1 Failed mv failed
# exit 17 Exists the target is taken and not the module's
# marker 17 refusing to overwrite
# uses fail refuse
refuse_existing "$2" "$3"
mv -f -- "$1" "$2"
