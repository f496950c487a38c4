import { fromProject } from "../../config.ts";

/*
 * Liberation Serif 2.1.5 (SIL OFL 1.1, assets/fonts/LICENSE-LiberationSerif.txt):
 * Times New Roman's metrics and every Vietnamese letter (1.x lacked 92 of them). The
 * PDF embeds these files, never a font of the machine it runs on; the DOCX names
 * Times New Roman, which Word has and LibreOffice maps to Liberation Serif.
 */
const dir = fromProject("assets/fonts");

export const FONT_FILES = {
  regular: `${dir}/LiberationSerif-Regular.ttf`,
  bold: `${dir}/LiberationSerif-Bold.ttf`,
  italic: `${dir}/LiberationSerif-Italic.ttf`,
  boldItalic: `${dir}/LiberationSerif-BoldItalic.ttf`,
} as const;

export const DOCX_FONT = "Times New Roman";
