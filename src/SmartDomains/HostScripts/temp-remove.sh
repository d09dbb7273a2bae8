#!/bin/sh
# Removes one staging directory the module made, and the module's temp root once it is empty.
#
# arg dir   the staging directory
# arg root  the module's temp root (<StateDir>/tmp)
# stdin none
# exit 0 Ok removed (or not there)
# exit 1 Failed rm failed
rm -rf -- "$1" || exit 1
if [ "$(dirname "$1")" = "$2" ]; then rmdir -- "$2" 2>/dev/null; fi
exit 0
