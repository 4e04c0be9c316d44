#!/bin/sh
# A harmless shell script for the magic tests.
echo "hello from the test image"
