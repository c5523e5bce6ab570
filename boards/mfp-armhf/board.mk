# boards/mfp-armhf — inside an MFP: a 32-bit ARM controller (Cortex-A7/A9 class, VFPv3, hard float)
# with 256 MB shared with the printer's own firmware. Calls arrive from the MFP's fax line over
# AudioSocket on loopback; pages go to the MFP's own IPP service or a raw socket. No SIP stack, one
# OCR worker, one language (see faxgate.conf).
# A board is data: toolchain, flags, the features it has and its HAL table.

BOARD_ARCH     := armhf
BOARD_TRIPLET  := arm-linux-gnueabihf
BOARD_CC       ?= arm-linux-gnueabihf-gcc
# runs its programs on this machine (make test-board): qemu-user, over the sysroot
BOARD_QEMU     := qemu-arm
BOARD_CFLAGS   := -Os -g -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -mthumb
BOARD_FEATURES := -DFG_HAVE_AUDIOSOCKET -DFG_HAVE_IPP
BOARD_SRC      := boards/mfp-armhf/hal.c
BOARD_CONF     := boards/mfp-armhf/faxgate.conf
BOARD_LANG_DEBS := tesseract-ocr-eng
