#!/bin/sh
# Checks that a config file, if there, was written by SmartDomains (its first line is the renderer's header), before a
# cleaning run removes it.
#
# arg path    the config file
# arg header  the first line every config the module writes starts with (CleanupPlanner.ConfigHeader)
# stdin none
# exit 0 Ok the module's own, or no file
# exit 77 NotOurs the file was not written by SmartDomains: it is left alone
# marker 77 was not written by SmartDomains
# uses fail
[ -f "$1" ] || exit 0
case $(head -n 1 -- "$1") in
    "$2"*) ;;
    *) fail 77 "$1 was not written by SmartDomains; left alone" ;;
esac
