/** Debian's /usr/bin/chromium is used instead of a downloaded browser (no internet on CI). */
module.exports = { skipDownload: true };
