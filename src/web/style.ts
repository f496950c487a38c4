/**
 * The dashboard's one stylesheet, served from /web/app.css so that the content
 * security policy can forbid inline styles. Phone first (360 px), a wider grid on
 * a desktop; colours pass WCAG AA contrast on white.
 */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f7f9}
header{background:#8b1a1a;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a,header button{color:#fff}
header .bloc{font-weight:600;margin-right:auto}
nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem}
nav a{text-decoration:none;padding:.2rem 0}
nav a[aria-current=page]{text-decoration:underline;font-weight:600}
main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.35rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
a{color:#0b57d0}
.card{background:#fff;border:1px solid #d8dce1;border-radius:8px;padding:.75rem 1rem;margin:.5rem 0}
.muted{color:#57606a}
.notice{background:#e8f3ea;border:1px solid #5a9e6a;padding:.5rem .75rem;border-radius:6px}
.warn{background:#fff4e5;border:1px solid #c77700;padding:.5rem .75rem;border-radius:6px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #d8dce1;padding:.3rem .45rem;text-align:left;vertical-align:top;font-size:.9rem}
.scroll{overflow-x:auto;max-width:100%}
.heatmap td{text-align:center;min-width:5.5rem}
.heatmap th[scope=row]{position:sticky;left:0;background:#fff;min-width:9rem}
.s-DONE{background:#1e7b34;color:#fff}
.s-IN_PROGRESS{background:#f0c419;color:#1b1f24}
.s-NOT_STARTED{background:#f4a6a6;color:#1b1f24}
.s-MISSING{background:#eef0f3;color:#57606a}
.s-MISSING_OVERDUE{background:#8b1a1a;color:#fff}
.legend span{display:inline-block;padding:.1rem .4rem;margin:.1rem;border-radius:4px;font-size:.85rem}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.6rem}
.gallery figure{margin:0;background:#fff;border:1px solid #d8dce1;border-radius:6px;overflow:hidden}
.gallery img{width:100%;height:140px;object-fit:cover;display:block}
.gallery figcaption{padding:.3rem .45rem;font-size:.8rem}
.pair .gallery{grid-template-columns:1fr 1fr}
.viewer img{max-width:100%;height:auto;border-radius:6px}
form.inline{display:inline}
.people li{margin:.5rem 0}
.people form{display:inline-block;margin:.25rem .5rem .25rem 0}
button,select,input{font:inherit;padding:.35rem .6rem;border-radius:6px;border:1px solid #8c959f;background:#fff;color:#1b1f24}
select,input{max-width:100%}
.card a{overflow-wrap:anywhere}
button{cursor:pointer}
button.primary{background:#0b57d0;border-color:#0b57d0;color:#fff}
header button{background:transparent;border-color:#fff}
label{display:block;margin:.4rem 0 .15rem}
fieldset{border:1px solid #d8dce1;border-radius:6px;margin:.5rem 0 .75rem;padding:.25rem .75rem .6rem;min-width:0}
input[type=radio]{padding:0;margin:0 .35rem 0 0;width:1.1rem;height:1.1rem;vertical-align:-.15rem}
.sub{margin-left:1.5rem}
.plain{list-style:none;padding-left:0}
.plain>li{margin:.6rem 0;overflow-wrap:anywhere}
.plain form{margin:.2rem 0}
input[type=checkbox]{width:1.1rem;height:1.1rem;vertical-align:-.15rem}
.bars{max-width:520px;height:auto;display:block}
.bars rect,.rank-bars rect{fill:#0b57d0}
.rank-bars{max-width:480px;height:auto;display:block;margin:.5rem 0 1rem}
.rank-bars text{font-size:13px;fill:#1b1f24}
.ranking th[scope=row]{min-width:9rem}
textarea{font:inherit;width:100%;min-height:4rem;padding:.35rem .6rem;border-radius:6px;border:1px solid #8c959f}
.bars text{font-size:11px;fill:#1b1f24}
:focus-visible{outline:3px solid #f0c419;outline-offset:2px}
@media (min-width:800px){main{padding:1.5rem}}
`;
