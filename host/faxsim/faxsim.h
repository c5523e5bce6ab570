/* faxsim — places real fax calls into a gateway, answers one from it, and renders text as fax pages. */
#ifndef FAXSIM_H
#define FAXSIM_H

/** `faxsim send …`: a real T.30 sender (SpanDSP) over a line driver; 0 if the pages were accepted. */
int fg_sim_send_main(int argc, char **argv);

/** `faxsim receive …`: answers one fax call and keeps its pages; 0 if a fax was received in full. */
int fg_sim_receive_main(int argc, char **argv);

/** `faxsim render …`: renders a text file as a fax page (cairo) into a TIFF G4 file. */
int fg_sim_render_main(int argc, char **argv);

#endif
