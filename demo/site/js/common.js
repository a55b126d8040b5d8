// Small helpers used by the article templates.
function doZoom(size) { var el = document.getElementById('zoom'); if (el) { el.style.fontSize = size + 'px'; } }
function setFontSize(name) { doZoom({large: 18, medium: 16, small: 14}[name] || 16); }
function addFavorite() { alert('请按 Ctrl+D 收藏本站'); }
