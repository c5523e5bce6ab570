# boards/host — a Debian PC, server or small x86_64/aarch64 box beside the MFP.
# A board is data: toolchain, flags, the features it has and its HAL table.

BOARD_CC       ?= cc
BOARD_CFLAGS   := -O2 -g
BOARD_FEATURES := -DFG_HAVE_AUDIOSOCKET -DFG_HAVE_SIP -DFG_HAVE_IPP
BOARD_SRC      := boards/host/hal.c
BOARD_CONF     := boards/host/faxgate.conf
