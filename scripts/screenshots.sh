#!/usr/bin/env bash
# Screenshots of the app's main views for review and the README, taken on a virtual display.
# Needs: xvfb, xauth, libgtk-3-0, imagemagick (Debian packages). Writes docs/screenshots/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
mvn -B -q -pl app -am test-compile
cp="app/target/kubewalk.jar:app/target/test-classes"
mkdir -p docs/screenshots
xvfb-run -a -s "-screen 0 1280x800x24" java -cp "$cp" io.kubewalk.app.gui.ScreenshotTour \
  docs/screenshots > /tmp/kubewalk-screenshots.log 2>&1
grep '^wrote ' /tmp/kubewalk-screenshots.log
