# boards/rpi-aarch64 — a 64-bit Raspberry Pi class board (Pi 3/4/5, Cortex-A53 and later, 1 GB or
# more) running Debian/Raspberry Pi OS arm64 beside the MFP: the host board's lines and printers.
# A board is data: toolchain, flags, the features it has and its HAL table.

BOARD_ARCH     := arm64
BOARD_TRIPLET  := aarch64-linux-gnu
BOARD_CC       ?= aarch64-linux-gnu-gcc
# runs its programs on this machine (make test-board): qemu-user, over the sysroot
BOARD_QEMU     := qemu-aarch64
BOARD_CFLAGS   := -O2 -g -march=armv8-a
BOARD_FEATURES := -DFG_HAVE_AUDIOSOCKET -DFG_HAVE_SIP -DFG_HAVE_IPP
# the same drivers as boards/host: its HAL table
BOARD_SRC      := boards/host/hal.c
BOARD_CONF     := boards/rpi-aarch64/faxgate.conf
# the OCR languages its sysroot carries (Debian's tesseract-ocr-LANG packages)
BOARD_LANG_DEBS := tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu
