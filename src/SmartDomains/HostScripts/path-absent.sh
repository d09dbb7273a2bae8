#!/bin/sh
# Refuses a target that is there already, before the module makes something of that name.
#
# arg path  the target
# stdin none
# exit 0 Ok nothing is there
# exit 17 Exists something is there
# marker 17 refusing to overwrite
# uses fail refuse
refuse_existing "$1"
