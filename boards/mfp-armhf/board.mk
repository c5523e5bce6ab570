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
# _FILE_OFFSET_BITS=64: 64-bit inode numbers and file sizes (readdir() fails with EOVERFLOW on
# a filesystem with large inode numbers without it). time_t stays 32-bit: Debian 12's armhf
# libraries are built with it, and a different time_t would break their ABI.
BOARD_CFLAGS   := -Os -g -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -mthumb -D_FILE_OFFSET_BITS=64
BOARD_FEATURES := -DFG_HAVE_AUDIOSOCKET -DFG_HAVE_IPP
BOARD_SRC      := boards/mfp-armhf/hal.c
BOARD_CONF     := boards/mfp-armhf/faxgate.conf
# eng is what the board ships; fra too in the sysroot: the unit tests read French pages
BOARD_LANG_DEBS := tesseract-ocr-eng tesseract-ocr-fra
