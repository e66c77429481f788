/** Example upload URLs, as the upload routes answer them, for the docs' examples. */
export const exampleUploadUrl = '/uploads/2026/12/01/Vb3kQm9ZtR2xWp7LsN4hYc.png';
export const exampleArchiveUrl = '/uploads/2026/12/01/Jd8fKq2MnX5rTb9VwL3pGs.zip';
