#!/bin/sh
# The one way a host script says why it stopped: a line on stderr that starts with the marker "smartdomains: ", then the
# exit code that HostScriptExit names. C# decides on the code, never on the text.
fail() {
    _fail_code=$1
    shift
    printf 'smartdomains: %s\n' "$*" >&2
    exit "$_fail_code"
}
