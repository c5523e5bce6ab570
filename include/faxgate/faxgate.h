/* faxgate — umbrella header: the whole public API. */
#ifndef FAXGATE_H
#define FAXGATE_H

#include "faxgate/error.h"
#include "faxgate/config.h"
#include "faxgate/page.h"
#include "faxgate/call.h"
#include "faxgate/line.h"
#include "faxgate/hal.h"
#include "faxgate/t30.h"
#include "faxgate/ocr.h"
#include "faxgate/extract.h"
#include "faxgate/classify.h"
#include "faxgate/learn.h"
#include "faxgate/campaign.h"
#include "faxgate/policy.h"
#include "faxgate/store.h"
#include "faxgate/deliver.h"
#include "faxgate/pipeline.h"
#include "faxgate/decode.h"
#include "faxgate/durable.h"

#define FAXGATE_VERSION "0.1.0"

#endif
