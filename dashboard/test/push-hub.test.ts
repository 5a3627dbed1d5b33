import { sseFrame } from '../src/push-hub';

describe('sseFrame', () => {
  it('keeps a hostile value inside one data line and returns it intact', () => {
    const name = '<script>alert(1)</script>\r\n\nevent: status\ndata: {"up":false}\u2028';
    const frame = sseFrame('board', { rows: [{ team_name: name }] });
    const lines = frame.split(/\r\n|\r|\n/);
    expect(lines[0]).toBe('event: board');
    expect(lines[1].startsWith('data: ')).toBe(true);
    expect(lines.slice(2)).toEqual(['', '']);
    expect(JSON.parse(lines[1].slice('data: '.length)).rows[0].team_name).toBe(name);
  });
});
