import { imageType, OPEN_LIMIT, openWith, parseCsv } from '../openRules';
import { IEntry } from '../tokens';

function file(name: string, size = 100, type: IEntry['type'] = 'file'): IEntry {
  return {
    name,
    path: `demo/${name}`,
    type,
    size,
    modified: null,
    created: null,
    expires: null
  };
}

describe('openWith (what double-click does on a file)', () => {
  it.each([
    ['analysis.ipynb', 'notebook'],
    ['README.md', 'text'],
    ['run.PY', 'text'],
    ['config.yaml', 'text'],
    ['plot.png', 'image'],
    ['photo.JPG', 'image'],
    ['table.csv', 'csv'],
    ['table.tsv', 'csv'],
    ['ocean.nc', 'details'],
    ['data.parquet', 'details'],
    ['noextension', 'details']
  ])('%p -> %p', (name, kind) => {
    expect(openWith(file(name))).toBe(kind);
  });

  it('shows the details of files too big to open in the browser', () => {
    expect(openWith(file('huge.csv', OPEN_LIMIT.csv + 1))).toBe('details');
    expect(openWith(file('big.txt', OPEN_LIMIT.text))).toBe('text');
  });

  it('leaves folders and stores to the listing', () => {
    expect(openWith(file('x.csv', 0, 'directory'))).toBe('details');
  });

  it('gives images their MIME type', () => {
    expect(imageType('a.svg')).toBe('image/svg+xml');
    expect(imageType('a.jpg')).toBe('image/jpeg');
    expect(imageType('a.png')).toBe('image/png');
  });
});

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and line breaks in quotes', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",3')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', '3']
    ]);
  });

  it('stops at maxRows and reads TSV', () => {
    expect(parseCsv('1\n2\n3\n4\n', 2)).toEqual([['1'], ['2']]);
    expect(parseCsv('a\tb\n1\t2\n', 10, '\t')).toEqual([
      ['a', 'b'],
      ['1', '2']
    ]);
  });
});
